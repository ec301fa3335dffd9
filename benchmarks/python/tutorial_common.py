"""What the two tutorial apps share: users in SQLite with werkzeug password hashes, the
register route and a public ping route, in the shape of the classic Flask tutorials
(Flask's "Using SQLite 3 with Flask" pattern: one connection per request, kept on `g`).

Written for the authbench benchmarks (benchmarks/python), as the reference peer: this is the
common way such an API is built, not a hardened one.
"""

import os
import sqlite3

from flask import g, jsonify, request
from werkzeug.security import check_password_hash, generate_password_hash

DATABASE = os.environ.get("TUTORIAL_DB", "tutorial.sqlite3")
SECRET_KEY = os.environ["SECRET_KEY"]


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect(DATABASE)
        g.db.row_factory = sqlite3.Row
    return g.db


def close_db(_exception=None):
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_db():
    with sqlite3.connect(DATABASE) as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS users ("
            " id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " username TEXT UNIQUE NOT NULL,"
            " password_hash TEXT NOT NULL)"
        )


def find_user(user_id):
    return get_db().execute("SELECT id, username FROM users WHERE id = ?", (user_id,)).fetchone()


def check_login():
    """The user whose username and password the JSON body holds, or None."""
    data = request.get_json(silent=True) or {}
    user = (
        get_db()
        .execute("SELECT id, username, password_hash FROM users WHERE username = ?", (data.get("username"),))
        .fetchone()
    )
    if user is None or not check_password_hash(user["password_hash"], data.get("password", "")):
        return None
    return user


def bearer_token():
    header = request.headers.get("Authorization", "")
    return header[7:] if header.startswith("Bearer ") else None


def install_common_routes(app):
    app.teardown_appcontext(close_db)

    @app.post("/register")
    def register():
        data = request.get_json(silent=True) or {}
        username, password = data.get("username"), data.get("password")
        if not username or not password:
            return jsonify(message="username and password are required"), 400
        try:
            db = get_db()
            cursor = db.execute(
                "INSERT INTO users (username, password_hash) VALUES (?, ?)",
                (username, generate_password_hash(password)),
            )
            db.commit()
        except sqlite3.IntegrityError:
            return jsonify(message="username taken"), 409
        return jsonify(id=cursor.lastrowid, username=username), 201

    @app.get("/ping")
    def ping():
        return jsonify(status="ok")
