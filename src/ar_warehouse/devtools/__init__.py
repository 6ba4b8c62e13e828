"""Development tools: not part of a warehouse build (synthetic demo data for tests, the demo
and the benchmark)."""
