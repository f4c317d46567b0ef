using System.CommandLine;
using Elara.Fast.Cli;

// The `elara` command. Each subcommand lives in its own file under Commands/ and registers here.
var root = new RootCommand("elara: tools for the ELARA real-time protocol (Elara.Fast).");
foreach (var command in CommandCatalog.All())
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
