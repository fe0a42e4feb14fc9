KB_SEARCH.shard(["mo",{"moldova":[2,6]}]);
