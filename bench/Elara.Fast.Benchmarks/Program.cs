using BenchmarkDotNet.Running;

// Run all suites: dotnet run -c Release --project bench/Elara.Fast.Benchmarks -- --filter '*'
// CI smoke:      dotnet run -c Release --project bench/Elara.Fast.Benchmarks -- --filter '*' --job dry
// Crypto A/B on thread CPU time (docs/crypto.md): dotnet run -c Release --project bench/Elara.Fast.Benchmarks -- crypto-cpu-ab
if (args is ["crypto-cpu-ab"])
{
    Elara.Fast.Benchmarks.Crypto.SealOverheadCpuTime.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
