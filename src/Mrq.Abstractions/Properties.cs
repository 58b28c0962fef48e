using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Mrq.Runtime")]
