"""Hello, World! as a Flask app: what PyFleet's hello-wsgi sample runs under gunicorn."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!\n"


@app.get("/healthz")
def healthz():
    return {"status": "ok"}
