"""Product reviews: who may write one (selectors) and Oscar's review views
overridden to hold to it (views; Oscar's get_class finds them here, under the
catalogue fork, without forking the reviews app and its models)."""
