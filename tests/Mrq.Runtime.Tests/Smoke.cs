namespace Mrq.Tests; public class Smoke { [Fact] public void Builds() { } }
