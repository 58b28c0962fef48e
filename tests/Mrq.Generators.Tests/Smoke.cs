namespace Mrq.Generators.Tests; public class Smoke { [Fact] public void Builds() { } }
