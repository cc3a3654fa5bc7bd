"""劳动法治体检 reports and 一函两书 documents (models filled in by their module)."""
