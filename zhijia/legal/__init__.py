"""法务云: labor-law questions answered with statute articles quoted exactly and cited, calculators,
劳动法治体检 and 一函两书. The statutes are data under data/laws/ (see SOURCES.md there)."""
