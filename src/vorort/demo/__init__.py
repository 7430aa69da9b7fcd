"""The synthetic demo county (`vorort demo`).

A Saalekreis-like county calibrated to `profile/demo-county.yaml`: its 20 real municipalities,
6,583 Bedarfsgemeinschaften with about 11,850 persons whose structure matches the profile
(checked by `shared/tools/demo-county-check.py`), about 200 staff in teams with caseloads and a
fixed cast of named demo logins, plus a small second Mandant ("Jobcenter Demo-Nachbarkreis") so
that tenant separation can be seen and tested. The build is deterministic for a seed.

Modules: `profil` (profile and `--scale`), `sampling` (the vectorised population model, no
Django), `registry` (the parts other apps add, see its docstring), `teile` (this app's parts:
staff and person registry), `build` (the two demo Mandanten, idempotent), `export` (CSV for the
check, from the database), `national` (Parquet at national scale, no database), and the commands
`vorort demo` and `vorort demo_code`.
"""


def logins() -> list[tuple[str, str, str, str]]:
    """(username, role, team, Mandant) of the named demo logins, for printing on start."""
    from vorort.demo.build import logins as _logins

    return _logins()
