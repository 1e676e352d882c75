"""Scheduled ingestion: one Prefect deployment per configured source, served against a Prefect server."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Collection
from datetime import timedelta
from pathlib import Path
from types import FrameType
from typing import Any, Self, cast
from uuid import UUID

from prefect import flow, get_client
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.objects import StateType
from prefect.client.schemas.responses import DeploymentResponse
from prefect.deployments.runner import RunnerDeployment
from prefect.events.actions import ChangeFlowRunState
from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture
from prefect.logging import get_logger
from prefect.runner import Runner
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY
from prefect.types.entrypoint import EntrypointType

from newslake.flows.cluster import on_cluster
from newslake.flows.ingest import ingest, publish_summary
from newslake.flows.settings import Settings, SourceConfig, resolve_settings


@flow(name="ingest-source", log_prints=False)
def ingest_source(source: str, config_file: str) -> dict[str, Any]:
    """Ingest one configured source (the flow each deployment runs); give back the run's counts."""
    settings = resolve_settings(config_file=Path(config_file))
    summary = on_cluster(ingest, settings.run.dask_address)(
        [], settings, show_progress=False, sources=[settings.source(source)]
    )
    publish_summary(summary, log=False)  # on the deployment's run too, where the Prefect UI shows it first
    return {"run_id": summary.run_id, "status": summary.status, **summary.as_run_row()}


def source_deployment(source: SourceConfig, config_file: Path) -> RunnerDeployment:
    """Give back the deployment of one source: its schedule, and at most one run of it at a time
    (a run due while one is still going waits its turn)."""
    deployment = ingest_source.to_deployment(
        name=source.name,
        interval=source.interval,
        cron=source.cron,
        parameters={"source": source.name, "config_file": str(config_file.resolve())},
        concurrency_limit=1,
        paused=True,  # until a runner serves it (see _SourceRunner)
        tags=["newslake", source.kind],
        description=f"newslake: ingest the {source.kind} {source.location}",
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    # Called outside an event loop, to_deployment runs synchronously and gives back the deployment.
    return cast(RunnerDeployment, deployment)


# Heartbeats a run may miss before it counts as gone: a late one on a busy machine is not a crash.
MISSED_HEARTBEATS = 3


def silent_runs_name(source: str) -> str:
    """Give back the name of the automation that watches the source's runs (silent_run_automation)."""
    return f"newslake {source}: mark silent runs crashed"


def silent_run_automation(source: str, deployment_id: UUID, heartbeat_seconds: int) -> AutomationCore:
    """Give back the automation that marks a run of the source's deployment Crashed when no event of
    it (a heartbeat or a new state) follows its last heartbeat within MISSED_HEARTBEATS heartbeats:
    Prefect's own way of finding runs whose process died without a word (a serve killed outright, a
    reboot, the kernel's out-of-memory killer). Such a run stayed Running on the server for good, and
    the deployment's one concurrency slot with it until the slot's lease ran out. One automation per
    deployment, so that each follows the heartbeats of the serve that runs it."""
    within = MISSED_HEARTBEATS * heartbeat_seconds
    return AutomationCore(
        name=silent_runs_name(source),
        description=f"A run of newslake's {source} source whose process stopped sending heartbeats is Crashed.",
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={"prefect.flow-run.*"},
            match={"prefect.resource.id": "prefect.flow-run.*"},
            match_related={
                "prefect.resource.role": "deployment",
                "prefect.resource.id": f"prefect.deployment.{deployment_id}",
            },
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=within),
        ),
        actions=[
            ChangeFlowRunState(
                name=None,
                force=False,  # through the server's rules, which give the deployment's slot back
                state=StateType.CRASHED,
                message=f"no heartbeat for {within} s: the run's process is gone",
            )
        ],
    )


async def keep_silent_run_automations(client: PrefectClient, deployments: dict[str, UUID]) -> bool:
    """Create or update each source's silent-run automation on the server, for the heartbeat frequency
    the scheduled runs inherit from this process (Prefect's `PREFECT_FLOWS_HEARTBEAT_FREQUENCY`). Give
    back whether the server has them; with heartbeats turned off, or on a server that refuses
    automations, it has none and serve goes on without (a warning says so)."""
    heartbeat = PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value()
    if not heartbeat:
        get_logger("newslake").warning(
            "flow-run heartbeats are off (PREFECT_FLOWS_HEARTBEAT_FREQUENCY): a run whose process is killed "
            "outright stays Running on the Prefect server"
        )
        return False
    try:
        for source, deployment_id in deployments.items():
            wanted = silent_run_automation(source, deployment_id, heartbeat)
            found = await client.read_automations_by_name(wanted.name)
            if not found:
                await client.create_automation(wanted)
            elif AutomationCore.model_validate(found[0].model_dump()) != wanted:
                await client.update_automation(found[0].id, wanted)
    except Exception as exc:  # a server without automations still runs schedules
        get_logger("newslake").warning(
            "the Prefect server did not take the automations that mark silent runs crashed (%s): a run whose "
            "process is killed outright stays Running there",
            type(exc).__name__,
        )
        return False
    return True


async def remove_dropped_deployments(
    client: PrefectClient, config_file: Path, configured: Collection[str]
) -> list[str]:
    """Delete the deployments that `newslake serve` of this config file made for sources the file no
    longer has, with their silent-run automations; give back those sources' names. A source taken out
    of the file otherwise kept a paused deployment in the Prefect UI for good. Deployments of other
    config files, and of sources still in this one (with a schedule or not), are left as they are."""
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    ours = FlowFilter(name=FlowFilterName(any_=[ingest_source.name]))
    wanted = str(config_file.resolve())
    found: list[DeploymentResponse] = []
    page = 200
    while True:
        batch = await client.read_deployments(flow_filter=ours, limit=page, offset=len(found))
        found += batch
        if len(batch) < page:
            break
    removed = []
    for deployment in found:
        source = (deployment.parameters or {}).get("source")
        if (deployment.parameters or {}).get("config_file") != wanted or source in configured:
            continue
        await client.delete_deployment(deployment.id)
        for automation in await client.read_automations_by_name(silent_runs_name(str(source))):
            await client.delete_automation(automation.id)
        removed.append(str(source))
    return sorted(removed)


def drop_removed_sources(config_file: Path, configured: Collection[str]) -> list[str]:
    """Run remove_dropped_deployments against the Prefect server this process is set to use."""

    async def remove() -> list[str]:
        async with get_client() as client:
            return await remove_dropped_deployments(client, config_file, configured)

    return asyncio.run(remove())


def scheduled_sources(settings: Settings, names: list[str] | None = None) -> list[SourceConfig]:
    """Give back the sources to serve: the named ones, or every source with a schedule."""
    if names:
        return [settings.source(name) for name in names]
    return [s for s in settings.sources if s.cron or s.interval]


class _SourceRunner(Runner):
    """Prefect's runner, stopped by SIGTERM the way Ctrl-C stops it. Its own SIGTERM handler (Prefect
    3.8) leaves its shutdown coroutine unawaited: a service manager's stop printed a RuntimeWarning and
    skipped the shutdown, so the deployments' schedules stayed active with nothing serving them. Here
    SIGTERM cancels the serving task, as asyncio does on Ctrl-C, whether or not SIGINT is ignored (as
    it is for a job a script starts in the background).

    The deployments are created paused, and their schedules go active only once the runner is serving:
    from then on, stopping it pauses them again. A serve stopped while it was still setting up (before
    the runner's own signal handling) used to leave active schedules that nothing served."""

    serving: asyncio.Task[None] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deployments: dict[str, UUID] = {}  # by source; resumed once serving (created paused)

    def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
        if self.serving is not None and not self.serving.done():
            self.serving.cancel()
            self.serving.get_loop().call_soon_threadsafe(lambda: None)  # wakes the loop to see it

    async def __aexit__(self, *exc_info: Any) -> None:
        # Runs still going when serve stops are stopped first, as Prefect's own `Runner.stop` does:
        # SIGTERM (the run stops after the documents in hand and records itself as interrupted), SIGKILL
        # after 30 s, then the flow run is marked Cancelled. Left alone, a stopped serve's run stayed
        # Running on the server for good, holding the deployment's one concurrency slot until its lease
        # ran out (300 s by Prefect's default): later runs of the source waited, under the next serve too.
        if self.started:
            with contextlib.suppress(Exception):
                await self.cancel_all()
        await super().__aexit__(*exc_info)

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        try:
            async with get_client() as client:
                await keep_silent_run_automations(client, self.deployments)
                for deployment_id in self.deployments.values():
                    await client.resume_deployment(deployment_id)
        except BaseException as exc:
            await self.__aexit__(type(exc), exc, exc.__traceback__)  # pauses the ones resumed
            raise
        return self


async def _serve(runner: _SourceRunner) -> None:
    runner.serving = asyncio.current_task()
    await runner.start()


def _interrupt(_signal: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def serve_sources(sources: list[SourceConfig], config_file: Path, limit: int | None = None) -> None:
    """Create or update each source's deployment and run its scheduled flow runs until interrupted
    (Ctrl-C or SIGTERM); on the way out the deployments' schedules are paused, as Prefect's `serve`
    does, until the next `newslake serve`."""
    if threading.current_thread() is threading.main_thread():
        # Until the runner puts in its own handler: SIGTERM while deployments are created stops serve
        # as Ctrl-C does, and leaves them paused.
        signal.signal(signal.SIGTERM, _interrupt)
    runner = _SourceRunner(pause_on_shutdown=True, limit=limit)
    # Ctrl-C or SIGTERM: the runner has stopped and paused the schedules, or never made them active.
    with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
        for source in sources:
            # Called outside an event loop, add_deployment runs synchronously and gives back the id.
            deployment = source_deployment(source, config_file)
            runner.deployments[source.name] = cast(UUID, runner.add_deployment(deployment))
        asyncio.run(_serve(runner))
