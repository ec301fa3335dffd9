"""The classic Flask token tutorial: login returns a generic itsdangerous token, and a
`token_required` decorator loads it (with max_age) and reads the user on every request.

Run: SECRET_KEY=… TUTORIAL_DB=… gunicorn -w 2 --preload tutorial_token_app:app
"""

import functools

from flask import Flask, g, jsonify
from itsdangerous import BadSignature, URLSafeTimedSerializer

from tutorial_common import SECRET_KEY, bearer_token, check_login, find_user, init_db, install_common_routes

TOKEN_MAX_AGE = 3600

app = Flask(__name__)
app.config["SECRET_KEY"] = SECRET_KEY
serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"])
install_common_routes(app)
init_db()


def token_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token = bearer_token()
        if token is None:
            return jsonify(message="token is missing"), 401
        try:
            data = serializer.loads(token, max_age=TOKEN_MAX_AGE)  # SignatureExpired is a BadSignature
        except BadSignature:
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
    return jsonify(token=serializer.dumps({"id": user["id"]}), expiresIn=TOKEN_MAX_AGE)


@app.get("/protected")
@token_required
def protected():
    return jsonify(message=f"Hello, {g.user['username']}", user={"id": g.user["id"], "username": g.user["username"]})
