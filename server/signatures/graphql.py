from __future__ import annotations

from datetime import datetime

import strawberry

from server.graphql.context import Info
from server.graphql.ids import parse_id, to_opt_id
from server.graphql.pagination import Connection, paginate
from server.graphql.scalars import JSON
from server.signatures import consent, content, service
from server.signatures.models import Signature, SignerRelation

SignerRelationEnum = strawberry.enum(SignerRelation, name="SignerRelation")


@strawberry.type(name="Signature")
class SignatureType:
    id: strawberry.ID
    work_order_id: strawberry.ID
    strokes: JSON
    canvas_width: int
    canvas_height: int
    signer_name: str
    signer_relation: SignerRelationEnum  # type: ignore[valid-type]
    consent_text: str
    consent_version: int
    language: str
    signed_at: datetime
    received_at: datetime
    technician_id: strawberry.ID | None
    latitude: float | None
    longitude: float | None
    accuracy_m: float | None
    content_hash: str
    server_hash: str
    hash_matches: bool
    superseded_by_id: strawberry.ID | None
    png_sha256: str

    @strawberry.field
    def current(self) -> bool:
        """Whether this is the order's standing signature (no later one replaced it)."""
        return self.superseded_by_id is None

    @strawberry.field
    def png_url(self) -> str:
        """Where to GET the PNG the server rendered (with the Bearer token)."""
        return f"/media/{self.png_sha256}"

    @classmethod
    def from_model(cls, signature: Signature) -> SignatureType:
        return cls(
            id=strawberry.ID(str(signature.id)),
            work_order_id=strawberry.ID(str(signature.work_order_id)),  # type: ignore[attr-defined]
            strokes=signature.strokes,
            canvas_width=signature.canvas_width,
            canvas_height=signature.canvas_height,
            signer_name=signature.signer_name,
            signer_relation=signature.signer_relation,
            consent_text=signature.consent_text,
            consent_version=signature.consent_version,
            language=signature.language,
            signed_at=signature.signed_at,
            received_at=signature.received_at,
            technician_id=to_opt_id(signature.technician_id),  # type: ignore[attr-defined]
            latitude=signature.latitude,
            longitude=signature.longitude,
            accuracy_m=signature.accuracy_m,
            content_hash=signature.content_hash,
            server_hash=signature.server_hash,
            hash_matches=signature.hash_matches,
            superseded_by_id=to_opt_id(signature.superseded_by_id),  # type: ignore[attr-defined]
            png_sha256=signature.png_sha256,
        )


@strawberry.type(name="ConsentText")
class ConsentTextType:
    version: int
    language: str
    text: str


@strawberry.type
class SignedContent:
    document: JSON
    sha256: str


@strawberry.type
class Query:
    @strawberry.field
    async def signatures(
        self, info: Info, work_order_id: strawberry.ID, first: int | None = 50, after: str | None = None
    ) -> Connection[SignatureType]:
        """Every signature of the order, oldest first; re-signs are kept, the replaced ones
        carry supersededById."""
        actor = info.context.require()
        query = await service.signatures_of_work_order(actor=actor, work_order_id=parse_id(work_order_id))
        return await paginate(query, first=first, after=after, to_node=SignatureType.from_model)

    @strawberry.field
    async def signature(self, info: Info, id: strawberry.ID) -> SignatureType:
        actor = info.context.require()
        return SignatureType.from_model(await service.get_signature(actor=actor, signature_id=parse_id(id)))

    @strawberry.field
    def consent_texts(self, info: Info, lang: str = "zh-CN") -> list[ConsentTextType]:
        """The consent texts in `lang` (any Chinese tag gives zh-CN, others English), newest
        first; the first is the one to show."""
        info.context.require()
        return [
            ConsentTextType(version=c.version, language=c.language, text=c.text)
            for c in consent.texts_for(lang)
        ]

    @strawberry.field
    async def signed_content(self, info: Info, work_order_id: strawberry.ID) -> SignedContent:
        """What a signature on the order would cover, as the server holds it now, and its hash."""
        actor = info.context.require()
        document = await service.signed_content_of(actor=actor, work_order_id=parse_id(work_order_id))
        return SignedContent(document=document, sha256=content.content_hash(document))
