from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmarks and the national-scale seed: tooling, imported by no app."""

    name = "bench"
    verbose_name = "Benchmarks"
