"""The campaigns the toolkit knows: one TOML file each (toolkit.campaign loads them)."""
