"""Speculative decoding: incremental baseline, speculative sampling with cost-sized chains, Sequoia-style trees
(fixed from their DP, or grown per step), measured step costs, a roofline estimator with a documented hardware
table, the benchmark model pair's cache, and the benchmark."""
