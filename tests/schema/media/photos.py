"""Shared GraphQL documents and helpers for the photo tests."""

from tests.support.client import multipart_operation
from tests.support.images import make_jpeg

PHOTO_FIELDS = """
  id status processingStatus caption altText width height contentType sizeBytes sha256 takenAt
  publishedAt
  exif tags { name photosCount }
  owner { username photosCount }
  small: thumbnail(size: SMALL) { url width height }
  medium: thumbnail { url width height }
  large: thumbnail(size: LARGE) { url width height }
  original { url width height }
"""

UPLOAD = f"""
mutation Upload($input: UploadPhotoInput!) {{
  uploadPhoto(input: $input) {{
    __typename
    ... on Photo {{ {PHOTO_FIELDS} }}
    ... on OperationInfo {{ messages {{ kind code field message }} }}
  }}
}}
"""

PHOTO = f"query($id: ID!) {{ photo(id: $id) {{ {PHOTO_FIELDS} }} }}"


def upload(
    gql, content: bytes | None = None, *, filename="photo.jpg", content_type="image/jpeg", **fields
) -> dict:
    content = make_jpeg(800, 600) if content is None else content
    response = multipart_operation(
        gql,
        UPLOAD,
        {"input": {"file": None, **fields}},
        {"input.file": (filename, content, content_type)},
    )
    assert response.status == 200, response.body
    return response.data["uploadPhoto"]


def mutate_node(gql, name: str, photo_id: str) -> dict:
    success = (
        "... on DeletedNode { id }"
        if name.startswith("delete")
        else "... on Photo { id status publishedAt owner { photosCount } "
        "tags { name photosCount } }"
    )
    query = f"""
    mutation($input: NodeInput!) {{
      {name}(input: $input) {{
        __typename
        {success}
        ... on OperationInfo {{ messages {{ code field message }} }}
      }}
    }}"""
    return gql.execute(query, {"input": {"id": photo_id}}).data[name]
