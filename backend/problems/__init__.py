"""The problem ledger (问题台账): villagers' and secretaries' problems and their lifecycle."""
