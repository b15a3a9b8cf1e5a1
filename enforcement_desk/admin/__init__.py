"""Administration: users and sign-in, agency settings, setup, backup, the shared server, audit checks, demo data."""
