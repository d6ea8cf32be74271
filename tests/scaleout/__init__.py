"""Scale-out (issue #6): app processes keep no state that matters in memory, so several of them
behind a proxy serve the same users. Two real server processes (`conftest.two_servers`) share one
PostgreSQL database; PostgreSQL only. Where each property is proven:

- a filing sent to both processes is stored once: test_filing_once.py
- a poll token cast on both counts once: test_poll_tally_across_processes.py (through to the closed
  tally), and the 200-cast race on GraphQL and the lean route in
  tests/polls/test_poll_concurrency.py::test_two_server_processes_count_one_token_once
- the login lockout holds across both, and a refresh token rotated on one is refused as reused on
  the other: test_auth_across_processes.py
- a roll call started on one is seen and answered on the other: test_roll_call_across_processes.py
"""
