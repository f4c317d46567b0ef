using BenchmarkDotNet.Running;

// Run all suites: dotnet run -c Release --project bench/Elara.Fast.Benchmarks -- --filter '*'
// CI smoke:      dotnet run -c Release --project bench/Elara.Fast.Benchmarks -- --filter '*' --job dry
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
