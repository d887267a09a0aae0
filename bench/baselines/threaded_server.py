"""The strongest short Python server a competent user would write: plain WSGI on waitress threads.

The model is compiled with the THROUGHPUT hint, each server thread owns one infer request (no lock,
no queue: a variant that handed requests between threads through a queue deadlocked inside the
OpenVINO Python data dispatch at bf16), and Pillow, numpy and OpenVINO all release the GIL while
they work, so decodes and inferences of different requests overlap.

Usage: python threaded_server.py --model-dir models/default --port 8082 [--precision f32|bf16|int8] [--threads N]
POST /classify with a raw image body (any format Pillow decodes); GET /health/ready.
"""
from __future__ import annotations

import threading

from baseline_model import BaselineModel, peer_arguments, serve_quietly

JSON = [('Content-Type', 'application/json')]


def create_app(model: BaselineModel):
    local = threading.local()

    def app(environ, start_response):
        path, method = environ['PATH_INFO'], environ['REQUEST_METHOD']
        if method == 'GET' and path == '/health/ready':
            start_response('200 OK', JSON)
            return [b'{"status":"ready"}']
        if method != 'POST' or path != '/classify':
            start_response('404 Not Found', JSON)
            return [b'{"error":"not found"}']
        body = environ['wsgi.input'].read(int(environ.get('CONTENT_LENGTH') or 0))
        try:
            tensor = model.preprocess(body)
        except Exception:  # noqa: BLE001 -- any undecodable upload is the client's fault
            start_response('400 Bad Request', JSON)
            return [b'{"error":"undecodable image"}']
        if not hasattr(local, 'request'):
            local.request = model.compiled.create_infer_request()
        output = local.request.infer([tensor], share_inputs=True)[0]
        start_response('200 OK', JSON)
        return [model.answer(output)]

    return app


def main() -> None:
    parser = peer_arguments(__doc__.splitlines()[0], 8082)
    parser.add_argument('--threads', type=int, default=None,
                        help="server threads, one infer request each (default: the compiled model's optimal number of infer requests, plus two to decode while they infer)")
    args = parser.parse_args()
    model = BaselineModel(args.model_dir, args.device, args.precision, {'PERFORMANCE_HINT': 'THROUGHPUT'})
    threads = args.threads or model.compiled.get_property('OPTIMAL_NUMBER_OF_INFER_REQUESTS') + 2
    serve_quietly(create_app(model), args, threads=threads)


if __name__ == '__main__':
    main()
