from django.apps import AppConfig


class CopilotConfig(AppConfig):
    name = "copilot"
    verbose_name = "Therapy copilot"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from copilot.audit import changes

        changes.register()
