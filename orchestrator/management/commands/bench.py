"""`manage.py bench`: the speed figures of the playground (bench/README.md)."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Run the benchmark scenarios, each on a fresh playground process in a temporary data directory "
        "(embedded: SQLite, one process), and print a table of figures (median, min and max over the runs, "
        "beside the targets) and one JSON document with every figure, the core count and the settings. "
        "Slow steps stop at their time limit and say how far they got; nothing asserts a speed."
    )
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true",
                            help="small sizes and short windows (a few minutes in all), as CI runs it")
        parser.add_argument("--only", metavar="NAME[,NAME]",
                            help="run only these scenarios or figures (see bench/README.md for the names)")
        parser.add_argument("--runs", type=int, default=1, metavar="N", help="run each scenario N times (default 1)")
        parser.add_argument("--repo", type=Path, metavar="PATH",
                            help="run the playground from this checkout instead of this one (e.g. the code before a change)")
        parser.add_argument("--scaled-out", action="store_true",
                            help="also run every scenario on PostgreSQL + Redis with separate web, controlplane and "
                                 "nodes processes, and print those figures beside the embedded ones")
        parser.add_argument("--nodes", type=int, metavar="N",
                            help="size of the `thousand` scenario: N nodes, 10 pending pods per node, 30 pods per node")
        parser.add_argument("--json", type=Path, metavar="FILE", dest="json_path", help="also write the JSON document to FILE")

    def handle(self, *args, quick, only, runs, repo, scaled_out, nodes, json_path, **options):
        from bench import runner

        if runs < 1:
            raise CommandError("--runs must be at least 1")
        if nodes is not None and nodes < 1:
            raise CommandError("--nodes must be at least 1")
        if repo is not None and not (repo / "manage.py").exists():
            raise CommandError(f"--repo {repo}: no manage.py there")
        try:
            code = runner.run(runner.Options(quick=quick, only=only, runs=runs, repo=(repo or runner.ROOT).resolve(),
                                             scaled_out=scaled_out, json_path=json_path, nodes=nodes))
        except ValueError as error:  # a bad --only
            raise CommandError(str(error)) from error
        if code:
            raise CommandError("some scenarios failed with an error (see above); the figures they reached are in the table")
