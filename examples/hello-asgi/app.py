"""A small ASGI app (Starlette) that greets through the hello-wsgi app it depends on."""
import os

import httpx
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

GREETER_URL = os.environ.get("GREETER_URL", "http://hello-wsgi")


async def hello(request):
    async with httpx.AsyncClient(timeout=2.0) as client:
        greeting = await client.get(GREETER_URL)
    return PlainTextResponse(f"hello-asgi relays: {greeting.text}")


async def healthz(request):
    return JSONResponse({"status": "ok"})


app = Starlette(routes=[Route("/", hello), Route("/healthz", healthz)])
