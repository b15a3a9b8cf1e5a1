"""The desk's 监督 and 统计 tabs."""
