namespace Mrq.MongoDB;

/// <summary>MessagePack that has no BSON equivalent, or is not one well-formed MessagePack value.</summary>
internal sealed class MessagePackBsonException : Exception
{
    public MessagePackBsonException(string message)
        : base(message)
    {
    }

    public MessagePackBsonException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MessagePackBsonException()
    {
    }
}
