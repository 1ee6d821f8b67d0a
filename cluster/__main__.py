"""python -m cluster up|down [--wipe]|status|env|manage ARGS|kill|stop|start|restart NAME

`up` starts what is not running and returns (every process is detached; `down` ends
them). `env` prints the app's settings as shell exports, to run anything else against
the cluster. See docs/cluster.md.
"""

import argparse
import shlex
import shutil
import sys

from cluster.services import Cluster


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cluster")
    verbs = ["up", "down", "status", "env", "kill", "stop", "start", "restart", "manage"]
    parser.add_argument("verb", choices=verbs)
    parser.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)
    cluster = Cluster()
    config = cluster.config
    if options.verb == "up":
        print(f"cluster: state in {config.root}", flush=True)
        cluster.up()
        print("web:", " ".join(f"{url}/graphql/" for url in config.web_urls))
        return 0
    if options.verb == "down":
        cluster.down()
        if "--wipe" in options.args:  # var/cluster/ too; PostgreSQL's first (pg may be a link)
            shutil.rmtree(config.pg_dir, ignore_errors=True)
            shutil.rmtree(config.root, ignore_errors=True)
        return 0
    if options.verb == "status":
        states = cluster.status()
        for name, up in states.items():
            print(f"{name:<13} {'running' if up else 'stopped'}")
        return 0 if all(states.values()) else 1
    if options.verb == "env":
        for key, value in config.app_env().items():
            if key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "AWS_", "TASK_")):
                print(f"export {key}={shlex.quote(value)}")
        return 0
    if options.verb == "manage":
        result = cluster.manage(*options.args, check=False)
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        return result.returncode
    for name in options.args or parser.error(f"{options.verb} needs a process name"):
        getattr(cluster, options.verb)(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
