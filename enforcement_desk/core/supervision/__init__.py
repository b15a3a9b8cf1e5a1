"""Pure rules of supervision: credit points, publicity, random draws, reporter confidentiality."""
