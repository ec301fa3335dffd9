"""The classic Flask JWT tutorial: login returns a PyJWT HS256 token, and a `token_required`
decorator decodes it and reads the user on every request.

Run: SECRET_KEY=… TUTORIAL_DB=… gunicorn -w 2 --preload tutorial_jwt_app:app
"""

import datetime
import functools

import jwt
from flask import Flask, g, jsonify

from tutorial_common import SECRET_KEY, bearer_token, check_login, find_user, init_db, install_common_routes

TOKEN_TTL = datetime.timedelta(minutes=30)

app = Flask(__name__)
app.config["SECRET_KEY"] = SECRET_KEY
install_common_routes(app)
init_db()


def token_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token = bearer_token()
        if token is None:
            return jsonify(message="token is missing"), 401
        try:
            data = jwt.decode(token, app.config["SECRET_KEY"], algorithms=["HS256"])
        except jwt.InvalidTokenError:
            return jsonify(message="token is invalid"), 401
        user = find_user(data.get("id"))
        if user is None:
            return jsonify(message="token is invalid"), 401
        g.user = user
        return view(*args, **kwargs)

    return wrapper


@app.post("/login")
def login():
    user = check_login()
    if user is None:
        return jsonify(message="invalid username or password"), 401
    now = datetime.datetime.now(tz=datetime.timezone.utc)
    token = jwt.encode({"id": user["id"], "iat": now, "exp": now + TOKEN_TTL}, app.config["SECRET_KEY"], algorithm="HS256")
    return jsonify(token=token, expiresIn=int(TOKEN_TTL.total_seconds()))


@app.get("/protected")
@token_required
def protected():
    return jsonify(message=f"Hello, {g.user['username']}", user={"id": g.user["id"], "username": g.user["username"]})
