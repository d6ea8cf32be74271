"""The filing dossier (备案材料) and self-assessment under 国办函〔2026〕12号: what the deployment does,
what personal information it holds, what it is built from, and how each obligation is met."""
