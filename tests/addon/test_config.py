import pytest

from renderfarm_reporter.core.config import ConfigError, Endpoint, parse_server, resolve


@pytest.mark.parametrize("text, grpc_available, expected", [
    ("grpc://farm:1234", True, Endpoint("grpc", "farm", 1234, False)),
    ("grpc://farm", True, Endpoint("grpc", "farm", 50051, False)),
    ("grpcs://farm.example", True, Endpoint("grpc", "farm.example", 50051, True)),
    ("http://farm", False, Endpoint("grpc-web", "farm", 8000, False)),
    ("https://farm:8443/renderfarm/", False, Endpoint("grpc-web", "farm", 8443, True, "/renderfarm")),
    ("farm", True, Endpoint("grpc", "farm", 50051, False)),
    ("farm", False, Endpoint("grpc-web", "farm", 8000, False)),
    ("farm:9000", False, Endpoint("grpc-web", "farm", 9000, False)),
    ("[::1]:50052", True, Endpoint("grpc", "::1", 50052, False)),
    ("  HTTP://Farm  ", False, Endpoint("grpc-web", "farm", 8000, False)),
])
def test_server_setting_picks_transport_and_default_port(text, grpc_available, expected):
    assert parse_server(text, "auto", grpc_available) == expected


def test_transport_setting_decides_for_a_bare_host():
    assert parse_server("farm", "grpc-web", True) == Endpoint("grpc-web", "farm", 8000, False)
    assert parse_server("farm", "grpc", True) == Endpoint("grpc", "farm", 50051, False)


@pytest.mark.parametrize("text, transport, grpc_available, problem", [
    ("ftp://farm", "auto", True, "scheme 'ftp://'"),
    ("grpc://farm:99999", "auto", True, "invalid port"),
    ("farm:0", "auto", True, "invalid port"),
    ("farm:http", "auto", True, "invalid port"),
    ("grpc://farm", "auto", False, "needs the Python module grpcio"),
    ("http://farm", "grpc", True, "means grpc-web, but the transport is set to 'grpc'"),
    ("grpc://farm/x", "auto", True, "path, which native gRPC cannot use"),
    ("farm/x", "auto", True, "has a path"),
    ("http://user:pw@farm", "auto", True, "only hold a host"),
    ("http://farm?x=1", "auto", True, "only hold a host"),
    ("http://:8000", "auto", True, "names no host"),
])
def test_bad_server_setting_is_refused_naming_the_setting_and_the_problem(text, transport, grpc_available, problem):
    with pytest.raises(ConfigError, match="RENDERFARM_SERVER") as error:
        parse_server(text, transport, grpc_available)
    assert problem in str(error.value)


def test_environment_wins_over_preferences_which_win_over_defaults():
    environ = {"RENDERFARM_SERVER": "http://env-server", "RENDERFARM_INSTANCE": "env-instance"}
    preferences = {"server": "grpc://pref-server", "host": "pref-host", "instance": "pref-instance", "token": "t0k"}
    settings = resolve(environ, preferences, grpc_available=True, hostname="machine")
    assert settings.endpoint == Endpoint("grpc-web", "env-server", 8000, False)
    assert (settings.host, settings.instance, settings.token) == ("pref-host", "env-instance", "t0k")


def test_defaults_are_localhost_the_machine_name_and_a_free_instance_number():
    settings = resolve({}, {}, grpc_available=False, hostname="render-01")
    assert settings.endpoint == Endpoint("grpc-web", "localhost", 8000, False)
    assert (settings.host, settings.instance, settings.token) == ("render-01", None, None)


def test_blank_environment_values_fall_through_to_preferences():
    settings = resolve({"RENDERFARM_HOST": "  "}, {"host": "pref-host"}, hostname="machine")
    assert settings.host == "pref-host"


def test_machine_name_with_characters_labels_cannot_hold_is_made_safe():
    assert resolve({}, {}, hostname="Render Node #1").host == "Render-Node--1"


@pytest.mark.parametrize("environ, problem", [
    ({"RENDERFARM_TRANSPORT": "carrier-pigeon"},
     "RENDERFARM_TRANSPORT: 'carrier-pigeon' is not one of auto, grpc, grpc-web"),
    ({"RENDERFARM_TRANSPORT": "grpc"}, "RENDERFARM_TRANSPORT: 'grpc' needs the Python module grpcio"),
    ({"RENDERFARM_HOST": "node 7"}, "RENDERFARM_HOST: only letters, digits"),
    ({"RENDERFARM_INSTANCE": "x" * 129}, "RENDERFARM_INSTANCE: must be at most 128 characters"),
    ({"RENDERFARM_TOKEN": "two words"}, "RENDERFARM_TOKEN: a bearer token is printable ASCII"),
])
def test_bad_settings_name_the_variable_and_what_is_wrong(environ, problem):
    with pytest.raises(ConfigError) as error:
        resolve(environ, {}, grpc_available=False, hostname="machine")
    assert str(error.value).startswith(problem)


def test_a_bad_preference_is_named_as_a_preference():
    with pytest.raises(ConfigError, match="the add-on preference 'instance'"):
        resolve({}, {"instance": "a/b"}, hostname="machine")


def test_description_for_the_console_never_shows_the_token():
    settings = resolve({"RENDERFARM_TOKEN": "s3cret"}, {}, grpc_available=True, hostname="m")
    assert "s3cret" not in settings.describe()
    assert settings.describe() == "grpc://localhost:50051 (native gRPC, with a bearer token)"
