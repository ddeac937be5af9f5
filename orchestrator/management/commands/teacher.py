"""Make a teacher: a Django staff user who may do everything to every cluster."""
from __future__ import annotations

import getpass
import os
import secrets
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from orchestrator.api.auth import teacher_token

PASSWORD_ENV = "PLAYGROUND_TEACHER_PASSWORD"


class Command(BaseCommand):
    help = (
        "Make NAME a teacher (a Django staff user; created when missing) and print their bearer token. "
        "A teacher may change, reset and remove every cluster: in the pages after logging in at /admin/login/, "
        "with kubectl through `manage.py kubeconfig CLUSTER --teacher NAME`. The password is --password, else "
        f"${PASSWORD_ENV}, else asked for (or made up and printed when there is no terminal). Changing the "
        "password, or --remove, revokes the token."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--password", default=None, help=f"the teacher's password (default: ${PASSWORD_ENV}, else asked)")
        parser.add_argument("--token", action="store_true", help="print only the bearer token of an existing teacher")
        parser.add_argument("--remove", action="store_true", help="take the teacher's rights away (their token stops working)")

    def handle(self, *args, name: str, password: str | None, token: bool, remove: bool, **options):
        users = get_user_model()
        user = users.objects.filter(**{users.USERNAME_FIELD: name}).first()
        if token or remove:
            if user is None or not user.is_staff:
                raise CommandError(f'"{name}" is not a teacher: make one with `python manage.py teacher {name}`')
            if remove:
                user.is_staff = False
                user.save(update_fields=["is_staff"])
                self.stdout.write(f'"{name}" is no longer a teacher; their token no longer works.')
            else:
                self.stdout.write(teacher_token(user))
            return
        password = password or os.environ.get(PASSWORD_ENV) or self._ask(name)
        made_up = password is None
        if made_up:
            password = secrets.token_urlsafe(12)
        if user is None:
            user = users.objects.create_user(**{users.USERNAME_FIELD: name}, password=password)
        else:
            user.set_password(password)
        user.is_staff = True
        user.is_active = True
        user.save()
        self.stdout.write(f'Teacher "{name}" is ready.')
        if made_up:
            self.stdout.write(f"password: {password}")
        self.stdout.write("Pages: log in at /admin/login/?next=/teacher/ to act as a teacher in the browser.")
        self.stdout.write(f"kubectl: python manage.py kubeconfig CLUSTER --teacher {name} --server URL > kubeconfig")
        self.stdout.write(f"token: {teacher_token(user)}")

    def _ask(self, name: str) -> str | None:
        if not sys.stdin.isatty():
            return None
        first = getpass.getpass(f"Password for teacher {name}: ")
        if first != getpass.getpass("Again: "):
            raise CommandError("the two passwords differ")
        if not first:
            raise CommandError("the password must not be empty")
        return first
