"""The Open Referral UK 3.0 JSON schemas the API tests validate against, from the copy committed in
tests/data/openreferral-uk-3.0 (its README names the source and licence), so validation needs neither
../shared nor the network.

The schemas ``$ref`` each other by their public addresses; the registry maps each address to its file.
"""

import functools
import json
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).parent / "data" / "openreferral-uk-3.0" / "schema"
SCHEMA_URL = "https://openreferraluk.org/specifications/3.0/schema/"


@functools.cache
def registry() -> Registry:
    """Every committed schema under its public address; a missing copy fails here, not as a bad $ref."""
    paths = sorted(SCHEMA_DIR.glob("*.json"))
    if not paths:
        raise FileNotFoundError(f"no Open Referral UK schemas in {SCHEMA_DIR} (see its README)")
    resources = [
        (
            SCHEMA_URL + path.name,
            Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012),
        )
        for path in paths
    ]
    return Registry().with_resources(resources)


@functools.cache
def validator_for(name: str) -> Draft202012Validator:
    """A validator for one schema by file name ("service_list.json"), checking formats such as uuid."""
    if not (SCHEMA_DIR / name).is_file():
        raise FileNotFoundError(f"no Open Referral UK schema {name!r} in {SCHEMA_DIR}")
    return Draft202012Validator({"$ref": SCHEMA_URL + name}, registry=registry(), format_checker=FormatChecker())
