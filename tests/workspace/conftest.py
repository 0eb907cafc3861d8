# The review fixture of tests/reviews (Northa's first review, planned) for workspace's tests.
from tests.reviews.conftest import review  # noqa: F401
