"""Pure rules of the penalty procedure: no Qt, no SQL, nothing of ours imported from outside core."""
