"""Value objects LL2 embeds whole wherever they appear: images, countries, statuses."""

from __future__ import annotations

from typing import ClassVar

import strawberry

from gateway.types.base import Value

__all__ = [
    "AgencyType",
    "Country",
    "Image",
    "ImageLicense",
    "ImageVariant",
    "ImageVariantType",
    "SocialMedia",
    "SocialMediaLink",
    "SpacecraftConfigType",
    "SpacecraftStatus",
]


@strawberry.type(description="The licence under which an image may be used.")
class ImageLicense(Value):
    id: strawberry.ID | None = None
    name: str | None = None
    priority: int | None = None
    link: str | None = None


@strawberry.type(description="The kind of an image variant (a crop, a banner...).")
class ImageVariantType(Value):
    id: strawberry.ID | None = None
    name: str | None = None


@strawberry.type(description="Another rendition of an image.")
class ImageVariant(Value):
    id: strawberry.ID | None = None
    type: ImageVariantType | None = None
    image_url: str | None = None


@strawberry.type(description="An image with its thumbnail, credit and licence.")
class Image(Value):
    interned: ClassVar[bool] = True

    id: strawberry.ID | None = None
    name: str | None = None
    image_url: str | None = None
    thumbnail_url: str | None = None
    credit: str | None = None
    license: ImageLicense | None = None
    single_use: bool | None = None
    variants: list[ImageVariant] | None = None


@strawberry.type(description="A country, with the nationality adjectives LL2 uses.")
class Country(Value):
    id: strawberry.ID | None = None
    name: str | None = None
    alpha_2_code: str | None = None
    alpha_3_code: str | None = None
    nationality_name: str | None = None
    nationality_name_composed: str | None = None


@strawberry.type(description="A social network.")
class SocialMedia(Value):
    id: strawberry.ID | None = None
    name: str | None = None
    url: str | None = None
    logo: Image | None = None


@strawberry.type(description="A link to a profile on a social network.")
class SocialMediaLink(Value):
    id: strawberry.ID | None = None
    social_media: SocialMedia | None = None
    url: str | None = None


@strawberry.type(description="Government, Commercial, Multinational...")
class AgencyType(Value):
    id: strawberry.ID | None = None
    name: str | None = None


@strawberry.type(description="Active, Retired, Destroyed, Single Use...")
class SpacecraftStatus(Value):
    id: strawberry.ID | None = None
    name: str | None = None


@strawberry.type(description="Capsule, Spaceplane, Cargo Resupply...")
class SpacecraftConfigType(Value):
    id: strawberry.ID | None = None
    name: str | None = None
