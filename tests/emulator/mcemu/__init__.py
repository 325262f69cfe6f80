"""MaxCompute (ODPS) REST + Tunnel emulator for sluice's integration tests.

Written from ``shared/spec/maxcompute-tunnel.md`` and the SDK transcript only,
independently of the C client, so that one misunderstanding of the protocol
cannot pass on both sides.  Python standard library only.

Modules, bottom-up:

* ``mctypes``   - MaxCompute column types (parsed from DDL / schema strings).
* ``wire``      - CRC32C and the tunnel record stream (decoder, plus an encoder
                  used by the tests to build fixtures).
* ``signing``   - ODPS request signatures (v2 and v4) and the STS RPC v1
                  signature.
* ``store``     - projects, tables, partitions, committed rows.
* ``sqlflow``   - the SQL subset run by SQL instances (CREATE/DROP TABLE,
                  ALTER TABLE ... ADD PARTITION).
* ``sessions``  - batch upload, streaming and upsert sessions.
* ``faults``    - fault rules and their matching.
* ``stats``     - counters exposed on ``/__admin/stats``.
* ``dump``      - ``select *``-style and JSON table dumps.
* ``shapes``    - XML/JSON bodies in the shapes the SDKs parse.
* ``state``     - the emulator object tying the above together.
* ``rest``, ``tunnel``, ``sts`` - route handlers.
* ``server``    - HTTP(S) server, request life cycle, admin endpoints.
* ``cli``       - command line (``python3 -m mcemu`` / ``mc_emulator.py``).
"""
