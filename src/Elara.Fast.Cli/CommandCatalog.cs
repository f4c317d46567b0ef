using System.CommandLine;
using Elara.Fast.Cli.Commands;

namespace Elara.Fast.Cli;

/// <summary>The subcommands of <c>elara</c>, in the order <c>--help</c> lists them.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return DecodeCommand.Create();
        yield return KeygenCommand.Create();
        yield return StunCommand.Create();
    }
}
