import mlpcourse


def test_package_exports_every_public_name() -> None:
    for name in mlpcourse.__all__:
        assert hasattr(mlpcourse, name), name
