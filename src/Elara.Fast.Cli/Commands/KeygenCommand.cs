using System.CommandLine;
using Elara.Fast.Crypto;

namespace Elara.Fast.Cli.Commands;

/// <summary>
/// <c>elara keygen</c>: creates a node identity (an Ed25519 key pair and a Noise static X25519 key), writes it to
/// a file created with mode 0600, and prints the public key and the NodeId. It never overwrites a file unless
/// asked to with <c>--force</c>.
/// </summary>
internal static class KeygenCommand
{
    /// <summary>The identity was written.</summary>
    public const int ExitOk = 0;

    /// <summary>The file exists (without --force) or could not be written.</summary>
    public const int ExitFailed = 1;

    /// <summary>Where the identity goes when no --out is given.</summary>
    public const string DefaultPath = "elara-node.key";

    public static Command Create()
    {
        var output = new Option<string>("--out", "-o")
        {
            Description = $"The identity file to write (default: {DefaultPath} in the current directory).",
            DefaultValueFactory = _ => DefaultPath,
        };
        var force = new Option<bool>("--force")
        {
            Description = "Overwrite the file if it exists (the old identity is lost).",
        };
        var command = new Command("keygen", "Create a node identity: writes the secret key file (mode 0600) and prints the public key and NodeId.")
        {
            output,
            force,
        };
        command.SetAction(parse => Run(parse.GetValue(output) ?? DefaultPath, parse.GetValue(force)));
        return command;
    }

    private static int Run(string path, bool force)
    {
        using var identity = NodeIdentity.Generate();
        try
        {
            identity.Save(path, overwrite: force);
        }
        catch (NodeIdentityException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitFailed;
        }

        Console.Out.WriteLine($"identity     {Path.GetFullPath(path)}");
        Console.Out.WriteLine($"public key   {Convert.ToHexStringLower(identity.PublicKey)}");
        Console.Out.WriteLine($"node id      {identity.NodeId}");
        Console.Out.WriteLine($"noise static {Convert.ToHexStringLower(identity.NoiseStaticPublicKey)}");
        return ExitOk;
    }
}
