"""Speculative decoding: incremental baseline, speculative sampling, Sequoia-style trees and their DP, a
roofline estimator with a documented hardware table, the benchmark model pair's cache, and the benchmark."""
