from nurture.core.apps import NurtureAppConfig


class FrameworkConfig(NurtureAppConfig):
    name = "nurture.framework"
    label = "framework"
