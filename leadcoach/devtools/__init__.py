"""Development tooling, outside the product's import graph: the benchmark (`bench`), its
cohort-10k workload (`workload`), the local identity provider and the server helpers the
browser tests share. Nothing in the product imports it; `leadcoach bench` loads it on demand."""
