"""The JSON-LD contexts credentials name, served from the package, never fetched.

RDF canonicalization (RDFC-1.0, which pyld still calls URDNA2015) resolves every ``@context``
a credential names. Fetching them at verification time would make a signature check depend
on a web server (unreachable from many offices, and free to change what a signature covers),
so the published documents ship inside `supervise`, pinned by SHA-256, and any other context
is refused. Where each file comes from is recorded in :data:`CONTEXTS` and in
docs/credentials.md.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import resources
from typing import Any

from supervise.credentials.errors import CredentialError

__all__ = [
    "CLR2",
    "CONTEXTS",
    "OB3",
    "OB3_EXTENSIONS",
    "VC2",
    "canonize",
    "compacted_form_problem",
    "document_loader",
    "load_context",
]

#: W3C Verifiable Credentials Data Model 2.0.
VC2 = "https://www.w3.org/ns/credentials/v2"
#: 1EdTech Open Badges 3.0, revision 3.0.3.
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#: 1EdTech Comprehensive Learner Record 2.0, revision 2.0.1.
CLR2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
#: 1EdTech's OB 3.0 extensions (``1EdTechJsonSchemaValidator2019``, ...): `supervise` never
#: names it, but other issuers (openbadgeslib among them) do, so verification needs it.
OB3_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"

#: Every context `supervise` can resolve: URL -> (file in ``contexts/``, SHA-256 of its bytes).
#: The bytes are the published documents: VC 2.0 as in w3c/vc-data-model, OB 3.0.3 and
#: CLR 2.0.1 as bundled by 1EdTech's own validator (digital-credentials-public-validator)
#: and by openbadgeslib; the extensions context as openbadgeslib captured it (1EdTech's
#: validator holds the same JSON indented differently).
CONTEXTS: dict[str, tuple[str, str]] = {
    VC2: (
        "credentials-v2.json",
        "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
    ),
    OB3: (
        "ob-v3p0-context-3.0.3.json",
        "3d34f4d4ef1bce691106e63798beb5e7b862ba841423f5ee1e53ab7ddf3bca84",
    ),
    CLR2: (
        "clr-v2p0-context-2.0.1.json",
        "880f1902d4158f2f33ce06af41b90719977cd1ea337a9de2e41edb3ff5e543d6",
    ),
    OB3_EXTENSIONS: (
        "ob-v3p0-extensions.json",
        "87c06c81bc2317663bf288d740d94fddd2818c4342b186270ff6371dfaa63f93",
    ),
}


@functools.cache
def load_context(url: str) -> dict[str, Any]:
    """The bundled context document for ``url``; :class:`CredentialError` for any URL not
    in :data:`CONTEXTS` or a file whose bytes are not the pinned ones."""
    try:
        name, digest = CONTEXTS[url]
    except KeyError:
        raise CredentialError(
            f"JSON-LD 上下文 {url} 不在内置列表中，不会联网获取",
            f"JSON-LD context {url} is not bundled; contexts are never fetched",
        ) from None
    raw = resources.files("supervise.credentials").joinpath(f"contexts/{name}").read_bytes()
    if hashlib.sha256(raw).hexdigest() != digest:
        raise CredentialError(
            f"内置上下文 {name} 的内容与发布版本不符",
            f"bundled context {name} is not the published one",
        )
    document: dict[str, Any] = json.loads(raw)
    return document


def document_loader(url: str, options: Any = None) -> dict[str, Any]:
    """A pyld document loader that serves the bundled contexts and refuses anything else."""
    return {"contextUrl": None, "documentUrl": url, "document": load_context(url)}


def canonize(document: dict[str, Any]) -> str:
    """``document`` as canonical N-Quads (RDFC-1.0), every context resolved offline."""
    from pyld import jsonld

    try:
        text: str = jsonld.normalize(
            document,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": document_loader,
            },
        )
    except jsonld.JsonLdError as exc:
        raise _jsonld_failure(exc) from None
    return text


def compacted_form_problem(document: dict[str, Any]) -> str | None:
    """Why ``document`` is not the compacted form of what it expands to, or ``None``.

    A Data Integrity proof signs the RDF a document expands to, not its JSON: a member whose
    term no context defines is dropped (so never signed), and a member spelt by its full IRI
    is signed but invisible to a reader of the short name. Requiring the JSON to equal its
    own expansion compacted again closes both, before anything is read from it.
    """
    from pyld import jsonld

    context = document.get("@context")
    if not isinstance(context, list) or not all(isinstance(c, str) for c in context):
        return "@context must be a list of context URLs"
    options = {"documentLoader": document_loader}
    try:
        expanded = jsonld.expand(document, options)
        again = jsonld.compact(expanded, {"@context": context}, options)
    except jsonld.JsonLdError as exc:
        return str(_jsonld_failure(exc))
    given = _plain(document)
    signed = _plain(_respell(again))
    if isinstance(given, dict) and isinstance(signed, dict):
        # a CLR's bundled credentials carry their own @context and proof, which compaction
        # never re-emits: each is checked on its own, against its own proof
        for subject in (given.get("credentialSubject"), signed.get("credentialSubject")):
            if isinstance(subject, dict):
                subject.pop("verifiableCredential", None)
    return _first_difference(given, signed, "")


# The CLR 2.0.1 context gives four ClrSubject terms a value type (@type "obi:Identifier",
# ...) that a node object can never match, so JSON-LD compaction spells them by IRI even in a
# conforming CLR. Exactly these IRIs are read back as their terms.
_CLR_VOCAB = "https://purl.imsglobal.org/spec/vc/clr/vocab.html#"
_CLR_TERMS = {
    f"{_CLR_VOCAB}identifier-1": "identifier",
    f"{_CLR_VOCAB}achievement": "achievement",
    f"{_CLR_VOCAB}association": "association",
    f"{_CLR_VOCAB}verifiableCredential": "verifiableCredential",
}


def _respell(value: Any) -> Any:
    if isinstance(value, list):
        return [_respell(v) for v in value]
    if isinstance(value, dict):
        return {_CLR_TERMS.get(k, k): _respell(v) for k, v in value.items()}
    return value


def _plain(value: Any) -> Any:
    """Spellings JSON-LD treats as one: a one-element array and its element, a node
    reference ``{"id": X}`` and ``X``."""
    if isinstance(value, list):
        items = [_plain(v) for v in value]
        return items[0] if len(items) == 1 else items
    if isinstance(value, dict):
        if set(value) == {"id"}:
            return value["id"]
        return {k: _plain(v) for k, v in value.items()}
    return value


def _first_difference(given: Any, signed: Any, path: str) -> str | None:
    if isinstance(given, dict) and isinstance(signed, dict):
        for key in sorted(set(given) | set(signed)):
            where = f"{path}.{key}" if path else key
            if key not in signed:
                return f"{where} is not defined by the credential's contexts (not signed)"
            if key not in given:
                return f"{where} is spelt differently from what was signed"
            found = _first_difference(given[key], signed[key], where)
            if found:
                return found
        return None
    if isinstance(given, list) and isinstance(signed, list) and len(given) == len(signed):
        for n, (a, b) in enumerate(zip(given, signed, strict=True)):
            found = _first_difference(a, b, f"{path}[{n}]")
            if found:
                return found
        return None
    if json.dumps(given, sort_keys=True) != json.dumps(signed, sort_keys=True):
        return f"{path or 'document'} is not in compacted JSON-LD form"
    return None


def _jsonld_failure(exc: Exception) -> CredentialError:
    cause: BaseException | None = exc
    while cause is not None:  # pyld wraps the loader's error
        if isinstance(cause, CredentialError):
            return cause
        cause = cause.__cause__ or getattr(cause, "cause", None)
    detail = str(exc).splitlines()[0][:200]
    return CredentialError(f"JSON-LD 处理失败：{detail}", f"JSON-LD processing failed: {detail}")
