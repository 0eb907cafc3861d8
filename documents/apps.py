from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents"

    def ready(self):
        from documents.services import review_documents_request
        from reviews.services._base import register_papers_changed

        register_papers_changed(review_documents_request)
