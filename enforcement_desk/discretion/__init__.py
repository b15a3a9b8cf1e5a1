"""Discretion benchmarks applied to a case: the service and its 裁量 panel."""
