"""Pure rules of discretion: the benchmark engine, facts, levels, the benchmark library and table import."""
