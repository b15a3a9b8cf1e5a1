"""Supervision beside the cases: publicity, random inspections, credit, complaints, statistics."""
