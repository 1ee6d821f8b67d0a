"""Every write to the photo domain goes through these functions (keyword-only arguments)."""
