from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig


class StaticFilesConfig(BaseStaticFilesConfig):
    # The design-token package ships a stylesheet that points at icons it does not
    # include, and Sass sources; neither is used, and the first breaks the hashed
    # static-file manifest, so neither is collected.
    ignore_patterns = [
        *BaseStaticFilesConfig.ignore_patterns,
        "background-image-icon.css",
        "*.scss",
    ]
