using BenchmarkDotNet.Running;
using Elara.Fast.Benchmarks.Transport;

// Whole-process UDP receivers/senders for bench/udp-ingress.sh: `ingress --mode ...`, `egress --mode ...`.
if (UdpProcessBenchmark.Handles(args))
{
    return UdpProcessBenchmark.Run(args);
}

// Whole-process node pipeline and LiteNetLib for bench/node-ingress.sh: `node-receive`, `node-send`, `lnl-receive`, `lnl-send`.
if (Elara.Fast.Benchmarks.Runtime.NodeProcessBenchmark.Handles(args))
{
    return Elara.Fast.Benchmarks.Runtime.NodeProcessBenchmark.Run(args);
}

// Run all suites: dotnet run -c Release --project bench/Elara.Fast.Benchmarks -- --filter '*'
// CI smoke:      dotnet run -c Release --project bench/Elara.Fast.Benchmarks -- --filter '*' --job dry
// Crypto A/B on thread CPU time (docs/crypto.md): dotnet run -c Release --project bench/Elara.Fast.Benchmarks -- crypto-cpu-ab
if (args is ["crypto-cpu-ab"])
{
    Elara.Fast.Benchmarks.Crypto.SealOverheadCpuTime.Run();
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
